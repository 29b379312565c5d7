// RUN: qopt %s --split-input-file --verify-diagnostics -p quant-propagate | filecheck %s

// A transpose the legalizer inserted takes its operand's parameters (forward).
// CHECK-LABEL: func.func @forward(
// CHECK:         %[[T:.*]] = circle.transpose
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[T]] : tensor<1x3x4x2xf32> to tensor<1x3x4x2x!quant.uniform<u8:f32, 0.1:7>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT:    func.return %[[D]]
func.func @forward(%x: tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32> {
  %q = quant.qcast %x : tensor<1x2x3x4xf32> to tensor<1x2x3x4x!quant.uniform<u8:f32, 0.1:7>>
  %d = quant.dcast %q : tensor<1x2x3x4x!quant.uniform<u8:f32, 0.1:7>> to tensor<1x2x3x4xf32>
  %p = circle.const dense<[0, 2, 3, 1]> : tensor<4xi32>
  %t = circle.transpose %d, %p : (tensor<1x2x3x4xf32>, tensor<4xi32>) -> tensor<1x3x4x2xf32>
  func.return %t : tensor<1x3x4x2xf32>
}

// -----

// ... and an operand takes a same-scale result's parameters (backward).
// CHECK-LABEL: func.func @backward(
// CHECK:         %[[Y:.*]] = circle.fully_connected
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[Y]] : tensor<2x6xf32> to tensor<2x6x!quant.uniform<i8:f32, 0.25:-2>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK:         circle.reshape %[[D]]
func.func @backward(%x: tensor<2x6xf32>, %w: tensor<6x6xf32>) -> tensor<3x4xf32> {
  %q = quant.qcast %x : tensor<2x6xf32> to tensor<2x6x!quant.uniform<i8:f32, 0.5:1>>
  %d = quant.dcast %q : tensor<2x6x!quant.uniform<i8:f32, 0.5:1>> to tensor<2x6xf32>
  %wq = quant.constant dense<1> : tensor<6x6xi8> to tensor<6x6x!quant.uniform<i8<-127:127>:f32:0, {1.0,1.0,1.0,1.0,1.0,1.0}>>
  %wd = quant.dcast %wq : tensor<6x6x!quant.uniform<i8<-127:127>:f32:0, {1.0,1.0,1.0,1.0,1.0,1.0}>> to tensor<6x6xf32>
  %n = circle.no_value : none
  %y = circle.fully_connected %d, %wd, %n : (tensor<2x6xf32>, tensor<6x6xf32>, none) -> tensor<2x6xf32>
  %s = circle.const dense<[3, 4]> : tensor<2xi32>
  %r = circle.reshape %y, %s : (tensor<2x6xf32>, tensor<2xi32>) -> tensor<3x4xf32>
  %rq = quant.qcast %r : tensor<3x4xf32> to tensor<3x4x!quant.uniform<i8:f32, 0.25:-2>>
  %rd = quant.dcast %rq : tensor<3x4x!quant.uniform<i8:f32, 0.25:-2>> to tensor<3x4xf32>
  func.return %rd : tensor<3x4xf32>
}

// -----

// Logistic has a fixed output range; other parameters from PT2E are reached by a requantization.
// CHECK-LABEL: func.func @fixed(
// CHECK:         %[[S:.*]] = circle.logistic
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[S]] : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.00390625:-128>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT:    quant.qcast %[[D]] : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.01:-100>>
func.func @fixed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  %s = circle.logistic %d : (tensor<4xf32>) -> tensor<4xf32>
  %sq = quant.qcast %s : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.01:-100>>
  %sd = quant.dcast %sq : tensor<4x!quant.uniform<i8:f32, 0.01:-100>> to tensor<4xf32>
  func.return %sd : tensor<4xf32>
}

// -----

// Concatenation inputs with other scales are requantized to the output's.
// CHECK-LABEL: func.func @concat(
// CHECK:         %[[DA:.*]] = quant.dcast %{{.*}} : tensor<2x!quant.uniform<u8:f32, 0.1:5>> to tensor<2xf32>
// CHECK:         %[[DB:.*]] = quant.dcast %{{.*}} : tensor<2x!quant.uniform<u8:f32, 0.2:9>> to tensor<2xf32>
// CHECK-NEXT:    %[[RQ:.*]] = quant.qcast %[[DA]] : tensor<2xf32> to tensor<2x!quant.uniform<u8:f32, 0.2:9>>
// CHECK-NEXT:    %[[RD:.*]] = quant.dcast %[[RQ]]
// CHECK-NEXT:    circle.concatenation %[[RD]], %[[DB]]
func.func @concat(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<4xf32> {
  %qa = quant.qcast %a : tensor<2xf32> to tensor<2x!quant.uniform<u8:f32, 0.1:5>>
  %da = quant.dcast %qa : tensor<2x!quant.uniform<u8:f32, 0.1:5>> to tensor<2xf32>
  %qb = quant.qcast %b : tensor<2xf32> to tensor<2x!quant.uniform<u8:f32, 0.2:9>>
  %db = quant.dcast %qb : tensor<2x!quant.uniform<u8:f32, 0.2:9>> to tensor<2xf32>
  %c = circle.concatenation %da, %db {axis = 0 : i32} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  %qc = quant.qcast %c : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.2:9>>
  %dc = quant.dcast %qc : tensor<4x!quant.uniform<u8:f32, 0.2:9>> to tensor<4xf32>
  func.return %dc : tensor<4xf32>
}

// -----

// A float constant operand is quantized: per tensor, with the scheme's activation type.
// CHECK-LABEL: func.func @constant(
// CHECK-NOT:     circle.const
// CHECK:         %[[C:.*]] = quant.constant dense<[-128, -32, 63, 127]> : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.01568627543747425:-64>>
// CHECK-NEXT:    %[[CD:.*]] = quant.dcast %[[C]]
// CHECK-NEXT:    circle.mul %{{.*}}, %[[CD]]
func.func @constant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  %c = circle.const dense<[-1.0, 0.5, 2.0, 3.0]> : tensor<4xf32>
  %m = circle.mul %d, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %mq = quant.qcast %m : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.2:3>>
  %md = quant.dcast %mq : tensor<4x!quant.uniform<i8:f32, 0.2:3>> to tensor<4xf32>
  func.return %md : tensor<4xf32>
}

// -----

// A tensor PT2E never observed and nothing determines is an error at its op.
// CHECK: model.py:3: 'exp': circle.exp: result #0 has no quantization parameters: PT2E did not observe this tensor
func.func @unobserved(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xf32>
  %e = circle.exp %d : (tensor<4xf32>) -> tensor<4xf32> loc("exp"("model.py":3:0))
  %m = circle.mul %e, %d : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %mq = quant.qcast %m : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.2:3>>
  %md = quant.dcast %mq : tensor<4x!quant.uniform<i8:f32, 0.2:3>> to tensor<4xf32>
  func.return %md : tensor<4xf32>
}

// -----

// A split whose results were observed apart (FX graph mode's chunk): SPLIT_V copies the
// integers, so the second result is produced with the operand's parameters and its
// consumers reach the observed ones through a requantization.
// CHECK-LABEL: func.func @split_observed_apart(
// CHECK:         %[[V:.*]], %[[V1:.*]] = circle.split_v
// CHECK-NEXT:    %[[Q:.*]] = quant.qcast %[[V1]] : tensor<1x2x2xf32> to tensor<1x2x2x!quant.uniform<i8:f32, 0.5:-128>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT:    quant.qcast %[[V]] : tensor<1x2x2xf32> to tensor<1x2x2x!quant.uniform<i8:f32, 0.5:-128>>
// CHECK-NEXT:    quant.dcast
// CHECK-NEXT:    quant.qcast %[[D]] : tensor<1x2x2xf32> to tensor<1x2x2x!quant.uniform<i8:f32, 0.25:-128>>
func.func @split_observed_apart(%x: tensor<1x4x2xf32>) -> (tensor<1x2x2xf32>, tensor<1x2x2xf32>) {
  %q = quant.qcast %x : tensor<1x4x2xf32> to tensor<1x4x2x!quant.uniform<i8:f32, 0.5:-128>>
  %d = quant.dcast %q : tensor<1x4x2x!quant.uniform<i8:f32, 0.5:-128>> to tensor<1x4x2xf32>
  %sizes = circle.const dense<[2, 2]> : tensor<2xi32>
  %axis = circle.const dense<1> : tensor<i32>
  %v:2 = circle.split_v %d, %sizes, %axis {num_splits = 2 : i32} : (tensor<1x4x2xf32>, tensor<2xi32>, tensor<i32>) -> (tensor<1x2x2xf32>, tensor<1x2x2xf32>)
  %q0 = quant.qcast %v#0 : tensor<1x2x2xf32> to tensor<1x2x2x!quant.uniform<i8:f32, 0.5:-128>>
  %d0 = quant.dcast %q0 : tensor<1x2x2x!quant.uniform<i8:f32, 0.5:-128>> to tensor<1x2x2xf32>
  %q1 = quant.qcast %v#1 : tensor<1x2x2xf32> to tensor<1x2x2x!quant.uniform<i8:f32, 0.25:-128>>
  %d1 = quant.dcast %q1 : tensor<1x2x2x!quant.uniform<i8:f32, 0.25:-128>> to tensor<1x2x2xf32>
  func.return %d0, %d1 : tensor<1x2x2xf32>, tensor<1x2x2xf32>
}
